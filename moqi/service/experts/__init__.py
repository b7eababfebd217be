"""The virtual expert centre: agents consult experts of departments and partner firms."""
