"""Project package and shared kernel: settings, API, errors, money, audit log, rule book."""
