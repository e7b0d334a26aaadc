/// The settings of a calculation that must agree before two energies may be subtracted.
public struct CalculationSettings: Sendable, Hashable {
    /// ENCUT (eV).
    public var encut: Double?
    /// POTCAR titles in type order, e.g. `PAW_PBE Ir 06Sep2000`.
    public var potcarTitles: [String]
    /// IVDW (0 or `nil` = none; 11, 12 = DFT-D3).
    public var ivdw: Int?
    /// The VASP version, e.g. `5.4.4`.
    public var vaspVersion: String?
    /// The functional tag (GGA / METAGGA) as written, when known.
    public var functional: String?
    /// Net charge of the cell in |e| (Σ ZVAL·n − NELECT; positive = electrons removed).
    public var netCharge: Double?
    /// PREC as the run used it (`normal`, `accurate`, …), when known.
    public var prec: String?
    /// LASPH (aspherical gradient corrections inside the PAW spheres), when known.
    public var lasph: Bool?
    /// The U values (eV, per species) when DFT+U was on, `[]` when it was off, `nil` when unknown.
    public var hubbardU: [Double]?
    /// ISPIN (1 or 2), when known.
    public var ispin: Int?

    /// Settings of one calculation; a setting left `nil` is unknown and not compared (IVDW: `nil` reads as 0, no correction).
    public init(
        encut: Double? = nil, potcarTitles: [String] = [], ivdw: Int? = nil, vaspVersion: String? = nil,
        functional: String? = nil, netCharge: Double? = nil, prec: String? = nil, lasph: Bool? = nil,
        hubbardU: [Double]? = nil, ispin: Int? = nil
    ) {
        self.encut = encut
        self.potcarTitles = potcarTitles
        self.ivdw = ivdw
        self.vaspVersion = vaspVersion
        self.functional = functional
        self.netCharge = netCharge
        self.prec = prec
        self.lasph = lasph
        self.hubbardU = hubbardU
        self.ispin = ispin
    }

    /// The VASP major version (`5` of `5.4.4`).
    public var vaspMajorVersion: Int? {
        vaspVersion.flatMap { $0.split(separator: ".").first.flatMap { Int($0) } }
    }

    /// IVDW with "absent" read as 0 (no correction).
    public var dispersion: Int { ivdw ?? 0 }
}

/// Where an energy came from: a calculation (its file and the rule that gave the number) or a number the
/// user typed (e.g. ½E(H₂) from elsewhere).
public enum EnergySource: Sendable, Hashable {
    /// Read from `file` with `rule`, e.g. `E(σ→0) of the last ionic step (vasprun.xml final_energy)`.
    case calculation(file: String, rule: String)
    /// Given as a number; no settings can be checked.
    case number

    /// A short description for tables and provenance.
    public var description: String {
        switch self {
        case .calculation(let file, let rule): return "\(file): \(rule)"
        case .number: return "number given by the user"
        }
    }
}

/// One energy term of an energetics formula.
public struct EnergyTerm: Sendable, Hashable {
    /// The name the user knows it by (`complex`, `host`, `adsorbate`, a run folder…).
    public var label: String
    /// E(σ→0) in eV.
    public var energy: Double
    /// Where the energy came from.
    public var source: EnergySource
    /// The calculation's settings (`nil` for a number).
    public var settings: CalculationSettings?
    /// Atom counts per element, when known (for the supercell multiplicity).
    public var composition: [String: Int]?

    /// A term `label` with E(σ→0) `energy` (eV) from `source`, and the calculation's settings and composition when known.
    public init(label: String, energy: Double, source: EnergySource, settings: CalculationSettings? = nil, composition: [String: Int]? = nil) {
        self.label = label
        self.energy = energy
        self.source = source
        self.settings = settings
        self.composition = composition
    }

    /// A term typed as a number.
    public static func number(_ energy: Double, label: String) -> EnergyTerm {
        EnergyTerm(label: label, energy: energy, source: .number)
    }
}

/// A finding of the consistency guard: two energies that should not be subtracted as they are.
public struct ConsistencyIssue: Sendable, Hashable, CustomStringConvertible {
    /// What differs: `ENCUT`, `POTCAR`, `IVDW`, `VASP version`, `functional`, `charge`.
    public var setting: String
    /// The values found, per term label.
    public var values: [String]
    /// A sentence for the user.
    public var message: String

    /// `setting: message`, e.g. `ENCUT: differs between calculations (complex: 400.0 eV; host: 520.0 eV)`.
    public var description: String { "\(setting): \(message)" }
}

/// The consistency guard: flags terms that mix different ENCUT (beyond 0.01 eV), POTCARs for the same
/// element, IVDW, VASP major versions, functionals, PREC, LASPH, DFT+U (on/off and the U values) or ISPIN. Terms given as numbers are not checked (they have no
/// settings) — the caller says that they were used.
public func consistencyIssues(_ terms: [EnergyTerm]) -> [ConsistencyIssue] {
    let checked = terms.compactMap { t in t.settings.map { (t.label, $0) } }
    guard checked.count >= 2 else { return [] }
    var issues: [ConsistencyIssue] = []
    func differ<T: Hashable>(_ name: String, _ value: (CalculationSettings) -> T?, same: (T, T) -> Bool = { $0 == $1 }, render: (T) -> String) {
        let known = checked.compactMap { label, s in value(s).map { (label, $0) } }
        guard let first = known.first, known.contains(where: { !same($0.1, first.1) }) else { return }
        let values = known.map { "\($0.0): \(render($0.1))" }
        issues.append(ConsistencyIssue(setting: name, values: values, message: "differs between calculations (\(values.joined(separator: "; ")))"))
    }
    differ("ENCUT", { $0.encut }, same: { abs($0 - $1) <= 0.01 }, render: { "\($0) eV" })
    differ("IVDW", { $0.dispersion }, render: { String($0) })
    differ("VASP version", { $0.vaspMajorVersion }, render: { "VASP \($0)" })
    differ("functional", { $0.functional?.uppercased() }, render: { $0 })
    differ("PREC", { $0.prec?.lowercased() }, render: { $0 })
    differ("LASPH", { $0.lasph }, render: { $0 ? ".TRUE." : ".FALSE." })
    differ("DFT+U", { $0.hubbardU }, render: { $0.isEmpty ? "off" : "U = " + $0.map { "\($0)" }.joined(separator: " ") })
    differ("ISPIN", { $0.ispin }, render: { String($0) })
    issues += potcarIssues(checked)
    return issues
}

/// Same element, different POTCAR title (e.g. `PAW_PBE Fe` vs `PAW_PBE Fe_pv`, or a different date).
private func potcarIssues(_ checked: [(String, CalculationSettings)]) -> [ConsistencyIssue] {
    var byElement: [String: [(label: String, title: String)]] = [:]
    var order: [String] = []
    for (label, settings) in checked {
        for title in settings.potcarTitles {
            let element = potcarElement(title)
            if byElement[element] == nil { order.append(element) }
            if byElement[element]?.contains(where: { $0.label == label && $0.title == title }) != true {
                byElement[element, default: []].append((label, title))
            }
        }
    }
    return order.compactMap { element in
        guard let uses = byElement[element], Set(uses.map(\.title)).count > 1 else { return nil }
        let values = uses.map { "\($0.label): \($0.title)" }
        return ConsistencyIssue(setting: "POTCAR", values: values, message: "different POTCARs for \(element) (\(values.joined(separator: "; ")))")
    }
}

/// The element of a POTCAR title: `PAW_PBE Fe_pv 06Sep2000` → `Fe`.
public func potcarElement(_ title: String) -> String {
    let words = title.split(separator: " ")
    let symbol = words.count >= 2 ? words[1] : (words.first ?? "")
    return String(symbol.prefix { $0 != "_" && $0 != "." })
}

/// Flags charge(A)·m + charge(B)·k ≠ charge(AB) beyond 1e-3 |e| (e.g. a neutral slab and a neutral
/// molecule subtracted from a charged complex), using each term's `netCharge`.
public func chargeBalanceIssue(products: [(coefficient: Double, term: EnergyTerm)], reactants: [(coefficient: Double, term: EnergyTerm)]) -> ConsistencyIssue? {
    func total(_ side: [(coefficient: Double, term: EnergyTerm)]) -> Double? {
        var sum = 0.0
        for (c, t) in side {
            guard let q = t.settings?.netCharge else { return nil }
            sum += c * q
        }
        return sum
    }
    guard let p = total(products), let r = total(reactants), abs(p - r) > 1e-3 else { return nil }
    let values = (products + reactants).map { "\($0.term.label): \($0.term.settings?.netCharge ?? 0)" }
    return ConsistencyIssue(
        setting: "charge", values: values,
        message: "the charges do not balance: \(format(r)) |e| on one side, \(format(p)) |e| on the other (\(values.joined(separator: "; ")))")
}

private func format(_ x: Double) -> String {
    let rounded = (x * 1000).rounded() / 1000
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// An adsorption (binding) energy and how it was computed.
public struct AdsorptionEnergy: Sendable, Hashable {
    /// E_ads = E(AB) − m·E(A) − k·E(B) in eV (negative = binding).
    public var value: Double
    /// E(AB): the complex, adsorbate on host.
    public var complex: EnergyTerm
    /// E(A): the host (slab, MOF, …), counted `hostMultiplicity` times.
    public var host: EnergyTerm
    /// m: how many host cells the complex holds (a 2×2 slab cell: 4).
    public var hostMultiplicity: Double
    /// E(B): the adsorbate, counted `adsorbateMultiplicity` times.
    public var adsorbate: EnergyTerm
    /// k: how many adsorbate units (normally 1).
    public var adsorbateMultiplicity: Double
    /// Consistency-guard findings (settings and charge balance).
    public var issues: [ConsistencyIssue]
    /// The formula with the numbers, e.g. `E_ads = E(AB) − 4·E(A) − E(B) = …`.
    public var formula: String
}

/// The adsorption energy E_ads(A–B) = E(A–B) − m·E(A) − k·E(B) with E(σ→0) energies (seed eq. 4–6), the
/// host entering m times when the complex is an m-fold supercell of the host cell.
/// The consistency guard (``consistencyIssues(_:)``, ``chargeBalanceIssue(products:reactants:)``) runs on
/// the terms that came from calculations.
public func adsorptionEnergy(
    complex: EnergyTerm, host: EnergyTerm, adsorbate: EnergyTerm, hostMultiplicity: Double = 1, adsorbateMultiplicity: Double = 1
) -> AdsorptionEnergy {
    let value = complex.energy - hostMultiplicity * host.energy - adsorbateMultiplicity * adsorbate.energy
    var issues = consistencyIssues([complex, host, adsorbate])
    if let charge = chargeBalanceIssue(
        products: [(1, complex)], reactants: [(hostMultiplicity, host), (adsorbateMultiplicity, adsorbate)])
    {
        issues.append(charge)
    }
    let m = hostMultiplicity == 1 ? "" : "\(format(hostMultiplicity))·"
    let k = adsorbateMultiplicity == 1 ? "" : "\(format(adsorbateMultiplicity))·"
    let formula = "E_ads = E(\(complex.label)) − \(m)E(\(host.label)) − \(k)E(\(adsorbate.label))"
    return AdsorptionEnergy(
        value: value, complex: complex, host: host, hostMultiplicity: hostMultiplicity, adsorbate: adsorbate,
        adsorbateMultiplicity: adsorbateMultiplicity, issues: issues, formula: formula)
}

/// How many host cells a complex holds, from compositions: the ratio n_X(complex)/n_X(host), which must be
/// the same whole number for every host element and must leave a non-negative remainder (the adsorbate).
/// `nil` when the compositions are unknown or the ratio is not one whole number.
public func hostMultiplicity(complex: [String: Int], host: [String: Int]) -> Int? {
    var ratio: Int?
    for (element, n) in host where n > 0 {
        guard let m = complex[element], m % n == 0 else { return nil }
        let r = m / n
        if let ratio, ratio != r { return nil }
        ratio = r
    }
    guard let ratio, ratio >= 1 else { return nil }
    return ratio
}

/// A reaction energy ΔE = Σ νᵢ E(productᵢ) − Σ νⱼ E(reactantⱼ) (eV), with the guard's findings.
public struct ReactionEnergy: Sendable, Hashable {
    /// ΔE = Σ ν E(products) − Σ ν E(reactants) (eV; negative = the products lie lower).
    public var value: Double
    /// Consistency-guard findings (settings and charge balance) over all terms.
    public var issues: [ConsistencyIssue]
}

/// ΔE = Σ ν E(products) − Σ ν E(reactants) with E(σ→0) energies; the consistency guard runs over all terms.
public func reactionEnergy(reactants: [(coefficient: Double, term: EnergyTerm)], products: [(coefficient: Double, term: EnergyTerm)]) -> ReactionEnergy {
    let value = products.reduce(0) { $0 + $1.coefficient * $1.term.energy } - reactants.reduce(0) { $0 + $1.coefficient * $1.term.energy }
    var issues = consistencyIssues((reactants + products).map(\.term))
    if let charge = chargeBalanceIssue(products: products, reactants: reactants) { issues.append(charge) }
    return ReactionEnergy(value: value, issues: issues)
}
