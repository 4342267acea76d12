"""Keeping the vulnerability feed current: downloads from NVD and CISA, offline imports, atomic swaps."""
