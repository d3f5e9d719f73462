"""Pictures drawn on the server as inline SVG: the drawing helpers (``svg``) and the
registry's charts with their text alternatives (``pictures``)."""
