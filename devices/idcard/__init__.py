"""The 2nd-generation ID card reader (serial SAM): frame codec, text decoder, driver and simulator."""
