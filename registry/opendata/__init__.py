"""Open data: the non-personal part of the registry, published as CSV and JSON with a data
dictionary and a catalogue record, for the government open-data catalogue."""
