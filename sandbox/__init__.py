"""A local stand-in for the provincial platform API (人社一体化公共服务平台), for demos and tests."""
