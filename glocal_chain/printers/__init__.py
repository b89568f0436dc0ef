"""Printer drivers behind one small interface (see base.PrinterDriver); OctoPrint's REST API first."""
