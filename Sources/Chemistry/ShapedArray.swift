/// A dense N-dimensional array: one flat contiguous buffer in row-major (C) order with an explicit
/// shape. Readers fill it once; no nested arrays, no per-element allocation.
public struct ShapedArray<Scalar: Sendable & Hashable>: Sendable, Hashable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `values.count == shape.product`.
    public private(set) var values: ContiguousArray<Scalar>

    /// Wraps `values` with `shape`; returns `nil` when the counts disagree.
    public init?(shape: [Int], values: ContiguousArray<Scalar>) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else { return nil }
        self.shape = shape
        self.values = values
    }

    /// An array of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Scalar) {
        self.shape = shape
        self.values = ContiguousArray(repeating: value, count: shape.reduce(1, *))
    }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// Total number of elements.
    public var count: Int { values.count }

    /// Flat offset of a full index (row-major).
    @inline(__always)
    public func offset(_ index: [Int]) -> Int {
        var o = 0
        for (axis, i) in index.enumerated() { o = o * shape[axis] + i }
        return o
    }

    /// The element at a full index.
    public subscript(_ index: Int...) -> Scalar {
        get { values[offset(index)] }
        set { values[offset(index)] = newValue }
    }

    /// The contiguous run of the innermost axis at the given leading index (all but the last axis).
    public func row(_ leading: Int...) -> ArraySlice<Scalar> {
        let n = shape.last ?? 0
        let start = offset(leading) * n
        return ArraySlice(values[start..<start + n])
    }
}
