"""The workbook's server: Voilà with kernels that a whole class can share (`espec serve`)."""
