"""The one search box in the header: organisations, contacts, agreements, proposals,
committees and meetings found together, each kind only as far as the signed-in user may see
it on the pages."""
