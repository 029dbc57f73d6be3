# Local stubs for python-escpos, which ships no type information: only what devices/printer uses is
# declared precisely; the rest of a printer object is Any (the library's own behaviour, unchecked).
