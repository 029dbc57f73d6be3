"""The camera of the photo step (一寸电子照片): presence and health (V4L2), and a simulator with a test picture."""
