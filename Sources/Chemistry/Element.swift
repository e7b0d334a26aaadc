/// A chemical element, Z = 1…103: symbol, English name, atomic number, standard atomic mass and
/// single-bond covalent radius.
///
/// **Atomic masses** (unified atomic mass units, u) are the IUPAC 2007 standard atomic weights
/// (M. E. Wieser, M. Berglund, *Pure Appl. Chem.* **81**, 2131 (2009)), the values pymatgen
/// tabulates, so that derived quantities (masses, densities, centres of mass) agree with it.
/// For elements without a stable isotope the mass number of the longest-lived (or customary)
/// isotope is used: Tc 98, Pm 145, Po 209, At 210, Rn 222, Fr 223, Ra 226, Ac 227, Np 237,
/// Pu 244, Am 243, Cm 247, Bk 247, Cf 251, Es 252, Fm 257, Md 258, No 259, Lr 262.
/// Two of these differ from pymatgen, which lists Po 210 and Rn 220; Po-209 and Rn-222 are
/// the longest-lived isotopes.
///
/// **Covalent radii** (Å) are from B. Cordero, V. Gómez, A. E. Platero-Prats, M. Revés,
/// J. Echeverría, E. Cremades, F. Barragán, S. Alvarez, *Dalton Trans.* **2008**, 2832–2838,
/// Table 2, with these choices:
/// - carbon: the sp³ value 0.76 Å (Cordero also gives sp² 0.73 and sp 0.69);
/// - manganese, iron, cobalt: the **high-spin** values Mn 1.61, Fe 1.52, Co 1.50 Å
///   (low-spin: Mn 1.39, Fe 1.32, Co 1.26 Å);
/// - Bk…Lr (Z = 97–103) are not in Cordero's table: they get the fallback
///   ``Element/fallbackCovalentRadius`` = 1.69 Å, Cordero's value for Cm, the heaviest element it lists.
public struct Element: Sendable, Hashable {
    /// Chemical symbol, e.g. `"Fe"`.
    public let symbol: String
    /// English name as spelled by IUPAC, e.g. `"Iron"`, `"Aluminium"`, `"Caesium"`, `"Sulfur"`.
    public let name: String
    /// Atomic number Z (1…103).
    public let atomicNumber: Int
    /// Standard atomic mass in unified atomic mass units (u, g/mol); see the type's documentation.
    public let atomicMass: Double
    /// Single-bond covalent radius in Å (Cordero et al., *Dalton Trans.* 2008, 2832); see the
    /// type's documentation for carbon, Mn/Fe/Co (high spin) and the Z ≥ 97 fallback.
    public let covalentRadius: Double

    /// Covalent radius (Å) used for Bk…Lr (Z = 97–103), which Cordero et al. do not list:
    /// Cordero's value for Cm, 1.69 Å.
    public static let fallbackCovalentRadius = 1.69

    private init(_ z: Int, _ symbol: String, _ name: String, _ mass: Double, _ radius: Double) {
        self.atomicNumber = z
        self.symbol = symbol
        self.name = name
        self.atomicMass = mass
        self.covalentRadius = radius
    }

    /// The element with atomic number `atomicNumber`, or `nil` outside 1…103.
    public init?(atomicNumber: Int) {
        guard atomicNumber >= 1, atomicNumber <= Element.all.count else { return nil }
        self = Element.all[atomicNumber - 1]
    }

    /// The element named by a chemical symbol or a VASP POTCAR label, or `nil` if there is none.
    ///
    /// Tolerant of surrounding whitespace and of case (`"Fe"`, `" fe "`, `"FE"`). The element part
    /// is the leading run of one or two letters; what follows it must be empty or start with `_`,
    /// `.`, `/` or a digit, so POTCAR labels such as `"Fe_pv"`, `"Li_sv"`, `"O_h"`, `"Ga_d_GW"`,
    /// `"H.75"`, `"H1.25"` and VASP 6 species with a hash suffix (`"Fe_pv/1a2b3c"`) name their
    /// element, while `"Xx"`, `"Fep"` and `""` give `nil`.
    public init?(symbol: String) {
        guard let z = Element.atomicNumber(parsing: symbol) else { return nil }
        self = Element.all[z - 1]
    }

    /// Atomic number of a symbol or POTCAR label (see ``init(symbol:)``), or `nil`.
    static func atomicNumber(parsing text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, scalars[start].properties.isWhitespace { start += 1 }
        while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 }
        var letters = ""
        var index = start
        while index < end, isASCIILetter(scalars[index]) {
            letters.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard letters.count == 1 || letters.count == 2 else { return nil }
        if index < end {
            let next = scalars[index]
            guard next == "_" || next == "." || next == "/" || ("0"..."9").contains(next) else { return nil }
        }
        let normalized = letters.prefix(1).uppercased() + letters.dropFirst().lowercased()
        return Element.numberBySymbol[normalized]
    }

    private static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(s) || ("a"..."z").contains(s)
    }

    private static let numberBySymbol: [String: Int] = {
        var map: [String: Int] = [:]
        for element in all { map[element.symbol] = element.atomicNumber }
        return map
    }()

    /// All 103 elements H…Lr, ordered by atomic number (`all[z - 1].atomicNumber == z`).
    public static let all: [Element] = [
        Element(1, "H", "Hydrogen", 1.00794, 0.31),
        Element(2, "He", "Helium", 4.002602, 0.28),
        Element(3, "Li", "Lithium", 6.941, 1.28),
        Element(4, "Be", "Beryllium", 9.012182, 0.96),
        Element(5, "B", "Boron", 10.811, 0.84),
        Element(6, "C", "Carbon", 12.0107, 0.76),
        Element(7, "N", "Nitrogen", 14.0067, 0.71),
        Element(8, "O", "Oxygen", 15.9994, 0.66),
        Element(9, "F", "Fluorine", 18.9984032, 0.57),
        Element(10, "Ne", "Neon", 20.1797, 0.58),
        Element(11, "Na", "Sodium", 22.98976928, 1.66),
        Element(12, "Mg", "Magnesium", 24.305, 1.41),
        Element(13, "Al", "Aluminium", 26.9815386, 1.21),
        Element(14, "Si", "Silicon", 28.0855, 1.11),
        Element(15, "P", "Phosphorus", 30.973762, 1.07),
        Element(16, "S", "Sulfur", 32.065, 1.05),
        Element(17, "Cl", "Chlorine", 35.453, 1.02),
        Element(18, "Ar", "Argon", 39.948, 1.06),
        Element(19, "K", "Potassium", 39.0983, 2.03),
        Element(20, "Ca", "Calcium", 40.078, 1.76),
        Element(21, "Sc", "Scandium", 44.955912, 1.70),
        Element(22, "Ti", "Titanium", 47.867, 1.60),
        Element(23, "V", "Vanadium", 50.9415, 1.53),
        Element(24, "Cr", "Chromium", 51.9961, 1.39),
        Element(25, "Mn", "Manganese", 54.938045, 1.61),
        Element(26, "Fe", "Iron", 55.845, 1.52),
        Element(27, "Co", "Cobalt", 58.933195, 1.50),
        Element(28, "Ni", "Nickel", 58.6934, 1.24),
        Element(29, "Cu", "Copper", 63.546, 1.32),
        Element(30, "Zn", "Zinc", 65.409, 1.22),
        Element(31, "Ga", "Gallium", 69.723, 1.22),
        Element(32, "Ge", "Germanium", 72.64, 1.20),
        Element(33, "As", "Arsenic", 74.9216, 1.19),
        Element(34, "Se", "Selenium", 78.96, 1.20),
        Element(35, "Br", "Bromine", 79.904, 1.20),
        Element(36, "Kr", "Krypton", 83.798, 1.16),
        Element(37, "Rb", "Rubidium", 85.4678, 2.20),
        Element(38, "Sr", "Strontium", 87.62, 1.95),
        Element(39, "Y", "Yttrium", 88.90585, 1.90),
        Element(40, "Zr", "Zirconium", 91.224, 1.75),
        Element(41, "Nb", "Niobium", 92.90638, 1.64),
        Element(42, "Mo", "Molybdenum", 95.94, 1.54),
        Element(43, "Tc", "Technetium", 98, 1.47),
        Element(44, "Ru", "Ruthenium", 101.07, 1.46),
        Element(45, "Rh", "Rhodium", 102.9055, 1.42),
        Element(46, "Pd", "Palladium", 106.42, 1.39),
        Element(47, "Ag", "Silver", 107.8682, 1.45),
        Element(48, "Cd", "Cadmium", 112.411, 1.44),
        Element(49, "In", "Indium", 114.818, 1.42),
        Element(50, "Sn", "Tin", 118.71, 1.39),
        Element(51, "Sb", "Antimony", 121.76, 1.39),
        Element(52, "Te", "Tellurium", 127.6, 1.38),
        Element(53, "I", "Iodine", 126.90447, 1.39),
        Element(54, "Xe", "Xenon", 131.293, 1.40),
        Element(55, "Cs", "Caesium", 132.9054519, 2.44),
        Element(56, "Ba", "Barium", 137.327, 2.15),
        Element(57, "La", "Lanthanum", 138.90547, 2.07),
        Element(58, "Ce", "Cerium", 140.116, 2.04),
        Element(59, "Pr", "Praseodymium", 140.90765, 2.03),
        Element(60, "Nd", "Neodymium", 144.242, 2.01),
        Element(61, "Pm", "Promethium", 145, 1.99),
        Element(62, "Sm", "Samarium", 150.36, 1.98),
        Element(63, "Eu", "Europium", 151.964, 1.98),
        Element(64, "Gd", "Gadolinium", 157.25, 1.96),
        Element(65, "Tb", "Terbium", 158.92535, 1.94),
        Element(66, "Dy", "Dysprosium", 162.5, 1.92),
        Element(67, "Ho", "Holmium", 164.93032, 1.92),
        Element(68, "Er", "Erbium", 167.259, 1.89),
        Element(69, "Tm", "Thulium", 168.93421, 1.90),
        Element(70, "Yb", "Ytterbium", 173.04, 1.87),
        Element(71, "Lu", "Lutetium", 174.967, 1.87),
        Element(72, "Hf", "Hafnium", 178.49, 1.75),
        Element(73, "Ta", "Tantalum", 180.94788, 1.70),
        Element(74, "W", "Tungsten", 183.84, 1.62),
        Element(75, "Re", "Rhenium", 186.207, 1.51),
        Element(76, "Os", "Osmium", 190.23, 1.44),
        Element(77, "Ir", "Iridium", 192.217, 1.41),
        Element(78, "Pt", "Platinum", 195.084, 1.36),
        Element(79, "Au", "Gold", 196.966569, 1.36),
        Element(80, "Hg", "Mercury", 200.59, 1.32),
        Element(81, "Tl", "Thallium", 204.3833, 1.45),
        Element(82, "Pb", "Lead", 207.2, 1.46),
        Element(83, "Bi", "Bismuth", 208.9804, 1.48),
        Element(84, "Po", "Polonium", 209, 1.40),
        Element(85, "At", "Astatine", 210, 1.50),
        Element(86, "Rn", "Radon", 222, 1.50),
        Element(87, "Fr", "Francium", 223, 2.60),
        Element(88, "Ra", "Radium", 226, 2.21),
        Element(89, "Ac", "Actinium", 227, 2.15),
        Element(90, "Th", "Thorium", 232.03806, 2.06),
        Element(91, "Pa", "Protactinium", 231.03588, 2.00),
        Element(92, "U", "Uranium", 238.02891, 1.96),
        Element(93, "Np", "Neptunium", 237, 1.90),
        Element(94, "Pu", "Plutonium", 244, 1.87),
        Element(95, "Am", "Americium", 243, 1.80),
        Element(96, "Cm", "Curium", 247, 1.69),
        Element(97, "Bk", "Berkelium", 247, fallbackCovalentRadius),
        Element(98, "Cf", "Californium", 251, fallbackCovalentRadius),
        Element(99, "Es", "Einsteinium", 252, fallbackCovalentRadius),
        Element(100, "Fm", "Fermium", 257, fallbackCovalentRadius),
        Element(101, "Md", "Mendelevium", 258, fallbackCovalentRadius),
        Element(102, "No", "Nobelium", 259, fallbackCovalentRadius),
        Element(103, "Lr", "Lawrencium", 262, fallbackCovalentRadius)
    ]
}

extension Element: CustomStringConvertible {
    /// The chemical symbol.
    public var description: String { symbol }
}

extension Structure {
    /// The element of each atom, parsed from ``species`` with ``Element/init(symbol:)``;
    /// `nil` where a species names no element (e.g. a placeholder such as `"X"`).
    public var elements: [Element?] {
        var cache: [String: Element?] = [:]
        return species.map { s in
            if let known = cache[s] { return known }
            let e = Element(symbol: s)
            cache[s] = e
            return e
        }
    }
}
