"""Published outputs, rendered from what the database stores: reports (and later passports)."""
