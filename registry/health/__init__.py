"""The bare endpoint (``GET /health``) and the per-request SQL statement count header.

``/health`` runs one trivial query and renders a tiny template: the load benchmark measures
it as the app's floor (every page's throughput is reported as a share of it), and the soak
test and a load balancer ask it whether the app and its database answer.
"""
