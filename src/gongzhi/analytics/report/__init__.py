"""The monthly report: figures (``monthly``), SVG charts (``svg``), HTML and PDF (``render``), the command (``cli``)."""
