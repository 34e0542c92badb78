"""Tables of the revenue share app."""
