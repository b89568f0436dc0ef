"""The market read model: products, offers, hubs with reputation and orders with their history, kept
from the suite's events so the API never scans the chain."""
