"""SentriKat Appliance: software inventory in, known vulnerabilities out, on one small box."""

__version__ = "0.1.0"
