# src/rt/chan.mk - channels, select and their tests (part of liblanes.a).
