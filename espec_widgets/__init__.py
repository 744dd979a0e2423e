"""ESPEC case workbook: palliative and end-of-life care training for health social workers."""

__version__ = "0.1.0"
