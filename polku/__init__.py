"""polku: visual service-path descriptions from YAML to a static site."""

__version__ = "0.1.0"
