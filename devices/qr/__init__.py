"""The e-SSC QR scanner: line reader, serial and keyboard-wedge drivers, simulator."""
