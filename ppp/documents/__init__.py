"""Documents: the shared building blocks every app's documents.py uses.

fonts.py registers the embedded Roboto family (from the font-roboto package, never a system font);
words.py writes amounts in words; pdf.py lays out an A4 document (the national heading, the header and
footer with the title, reference, page x of y, generation time and input hash, tables that split
across pages with repeated headers, charts drawn with reportlab's graphics) deterministically: the
same inputs give the same bytes. registry.py is where each app declares its document kinds;
services.py generates and stores them as records (ppp.models.Document) and selectors.py reads them.
"""
