"""The engine version, kept as a literal so `planengine --version` needs no metadata lookup."""

__version__ = "0.1.0"
