"""Tables of the contracts app."""
