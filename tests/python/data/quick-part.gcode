; a quick test part: no heating waits, a few moves (the virtual printer runs it in about a second)
G28
G90
G1 Z0.2 F1200
G1 X10 Y10 F6000
G1 X20 Y10 E1 F1500
G1 X20 Y20 E2
G1 X10 Y20 E3
G1 X10 Y10 E4
G1 Z5
M84
