"""`python -m espec_widgets.server NOTEBOOKS_DIR [voila options]`: what `espec serve` runs."""

from .app import main

if __name__ == "__main__":
    main()
