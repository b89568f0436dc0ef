; glocal-chain demo part: a 20 mm calibration cube outline, two layers (PLA, 0.2 mm layers)
; Small on purpose: the virtual printer finishes it in seconds.
M140 S60          ; bed to 60 C
M104 S205         ; hotend to 205 C
G28               ; home all axes
M190 S60          ; wait for the bed
M109 S205         ; wait for the hotend
G90               ; absolute positioning
M82               ; absolute extrusion
G92 E0
G1 Z0.2 F1200     ; first layer
G1 X90 Y90 F6000
G1 X110 Y90 E0.67 F1500
G1 X110 Y110 E1.33
G1 X90 Y110 E2.00
G1 X90 Y90 E2.67
G1 X91 Y91
G1 X109 Y91 E3.27
G1 X109 Y109 E3.87
G1 X91 Y109 E4.47
G1 X91 Y91 E5.07
G1 Z0.4 F1200     ; second layer
G1 X110 Y90 E5.74 F1500
G1 X110 Y110 E6.41
G1 X90 Y110 E7.08
G1 X90 Y90 E7.75
G1 X91 Y91
G1 X109 Y91 E8.35
G1 X109 Y109 E8.95
G1 X91 Y109 E9.55
G1 X91 Y91 E10.15
G1 E8.15 F2400    ; retract
G1 Z10 F1200      ; lift
M104 S0           ; hotend off
M140 S0           ; bed off
G28 X Y           ; park
M84               ; motors off
