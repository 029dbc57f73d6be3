"""Receipt printer: profiles as data, document model, layout, encoder, ESC/POS driver and simulator."""
