import Testing

@testable import Chemistry

@Suite struct ElementTests {
    @Test func tableIsCompleteAndOrdered() {
        #expect(Element.all.count == 103)
        #expect(Element.all.enumerated().allSatisfy { $0.element.atomicNumber == $0.offset + 1 })
        #expect(Set(Element.all.map(\.symbol)).count == 103)
        #expect(Element.all.first?.symbol == "H")
        #expect(Element.all.last?.symbol == "Lr")
        // Masses increase with Z except for the known inversions Ar/K, Co/Ni, Te/I, Th/Pa, U/Np, Pu/Am.
        let inversions = Element.all.indices.dropFirst().filter {
            Element.all[$0].atomicMass < Element.all[$0 - 1].atomicMass
        }.map { Element.all[$0].symbol }
        #expect(inversions == ["K", "Ni", "I", "Pa", "Np", "Am"])
        #expect(Element.all.allSatisfy { $0.covalentRadius > 0.2 && $0.covalentRadius < 2.7 })
    }

    @Test(arguments: [
        ("H", 1, 1.008, 0.31), ("C", 6, 12.011, 0.76), ("N", 7, 14.007, 0.71),
        ("O", 8, 15.999, 0.66), ("F", 9, 18.998, 0.57), ("S", 16, 32.065, 1.05),
        ("Li", 3, 6.941, 1.28), ("Fe", 26, 55.845, 1.52), ("Co", 27, 58.933, 1.50),
        ("Mn", 25, 54.938, 1.61), ("Cu", 29, 63.546, 1.32), ("Pt", 78, 195.084, 1.36)
    ])
    func spotChecks(symbol: String, z: Int, mass: Double, radius: Double) throws {
        let e = try #require(Element(symbol: symbol))
        #expect(e.atomicNumber == z)
        #expect(isClose(e.atomicMass, mass, tolerance: 1e-3))
        #expect(e.covalentRadius == radius)
        #expect(Element(atomicNumber: z) == e)
    }

    @Test func namesAndRadioactiveMasses() {
        #expect(Element(symbol: "Fe")?.name == "Iron")
        #expect(Element(symbol: "Al")?.name == "Aluminium")
        #expect(Element(symbol: "Cs")?.name == "Caesium")
        #expect(Element(symbol: "Tc")?.atomicMass == 98)
        #expect(Element(symbol: "Rn")?.atomicMass == 222)
        #expect(Element(symbol: "Cm")?.covalentRadius == 1.69)
        #expect(Element(symbol: "Lr")?.covalentRadius == Element.fallbackCovalentRadius)
        #expect(Element(symbol: "Bk")?.covalentRadius == 1.69)
    }

    @Test(arguments: [
        ("Fe", 26), ("FE", 26), ("fe", 26), (" Fe", 26), ("Fe \n", 26), ("\tfE ", 26),
        ("Fe_pv", 26), ("Li_sv", 3), ("O_h", 8), ("H.75", 1), ("H1.25", 1), ("H_h", 1),
        ("Ga_d_GW", 31), ("Fe_pv/3c7a1b", 26), ("C", 6), ("Co", 27), ("CO", 27), ("W_sv", 74)
    ])
    func parsesSymbolsAndPotcarLabels(text: String, z: Int) {
        #expect(Element(symbol: text)?.atomicNumber == z)
    }

    @Test(arguments: ["", "  ", "X", "Xx", "Fep", "Iron", "_Fe", "1H", "Q", "Fe-", "Ü"])
    func rejectsNonElements(text: String) {
        #expect(Element(symbol: text) == nil)
    }

    @Test func atomicNumberBounds() {
        #expect(Element(atomicNumber: 0) == nil)
        #expect(Element(atomicNumber: 104) == nil)
        #expect(Element(atomicNumber: -5) == nil)
        #expect(Element(atomicNumber: 103)?.symbol == "Lr")
        #expect(Element(atomicNumber: 8)?.description == "O")
    }

    @Test func everySymbolRoundTrips() {
        for e in Element.all {
            #expect(Element(symbol: e.symbol) == e)
            #expect(Element(symbol: e.symbol.uppercased()) == e)
            #expect(Element(symbol: e.symbol + "_pv") == e)
        }
    }
}
