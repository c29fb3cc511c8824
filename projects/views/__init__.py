"""The projects app's pages: thin functions (access, form, one service or one selector)."""
