"""Social security card (社会保障卡) reader: APDU/TLV codecs, card logic, PC/SC driver and simulator."""
