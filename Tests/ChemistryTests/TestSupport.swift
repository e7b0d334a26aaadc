import Chemistry

/// SplitMix64: a tiny seeded generator so random tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func isClose(_ x: Double, _ y: Double, tolerance: Double = 1e-9) -> Bool {
    abs(x - y) <= tolerance
}

func isClose(_ x: SIMD3<Double>, _ y: SIMD3<Double>, tolerance: Double = 1e-9) -> Bool {
    (x - y).length <= tolerance
}

/// A random vector with components in `-scale...scale`.
func randomVector(_ scale: Double, using g: inout SeededGenerator) -> SIMD3<Double> {
    SIMD3(
        Double.random(in: -scale...scale, using: &g),
        Double.random(in: -scale...scale, using: &g),
        Double.random(in: -scale...scale, using: &g))
}
