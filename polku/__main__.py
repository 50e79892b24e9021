"""`python -m polku` works as `polku` does."""

from .cli import run

if __name__ == "__main__":
    run()
