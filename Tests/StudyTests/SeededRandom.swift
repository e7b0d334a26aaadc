/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator so the Study property tests are
/// reproducible (the same seed gives the same cases on every machine).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A word of 1…`maxLength` characters drawn from `letters`.
    mutating func word(_ letters: String, maxLength: Int) -> String {
        let chars = Array(letters)
        return String((0..<Int.random(in: 1...maxLength, using: &self)).map { _ in chars[Int.random(in: 0..<chars.count, using: &self)] })
    }

    /// One element of `choices` (which must not be empty).
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &self)] }
}
