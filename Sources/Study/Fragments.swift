import Chemistry

/// Resolution of the manifest's fragment groups and bond sets on a structure, so that the plan can
/// say how many atoms and bonds each selects (and refuse empty or overlapping selections).
enum FragmentResolver {
    /// The atoms of each group (in group order) and the problems found: a group selecting nothing,
    /// groups overlapping, atoms no group takes, indices out of range.
    static func resolve(_ groups: [FragmentGroup], on structure: Structure) -> (atoms: [[Int]], errors: [String], warnings: [String]) {
        var errors: [String] = []
        var warnings: [String] = []
        var taken = Array(repeating: -1, count: structure.count)
        var result = Array(repeating: [Int](), count: groups.count)
        let molecules = groups.contains(where: { $0.contains != nil }) ? structure.molecules() : []
        for (g, group) in groups.enumerated() where !group.rest {
            var atoms: [Int] = []
            if let list = group.atoms {
                let bad = list.filter { $0 >= structure.count }
                if !bad.isEmpty {
                    errors.append(
                        "fragment \(group.name): atom indices \(bad.prefix(5).map(String.init).joined(separator: ", ")) beyond the \(structure.count) atoms")
                }
                atoms = list.filter { $0 < structure.count }
            } else if let elements = group.contains {
                atoms = molecules.filter { m in m.contains { elements.contains(structure.species[$0]) } }.flatMap { $0 }.sorted()
            }
            var clashes: [Int: Int] = [:]
            for a in atoms {
                if taken[a] >= 0 {
                    if clashes[taken[a]] == nil { clashes[taken[a]] = a }
                    continue
                }
                taken[a] = g
            }
            for (other, a) in clashes.sorted(by: { $0.key < $1.key }) {
                errors.append("fragments \(groups[other].name) and \(group.name) both take atom \(structure.species[a])\(a)")
            }
            result[g] = atoms
        }
        if let r = groups.firstIndex(where: \.rest) {
            result[r] = (0..<structure.count).filter { taken[$0] < 0 }
            for a in result[r] { taken[a] = r }
        }
        for (g, group) in groups.enumerated() where result[g].isEmpty {
            errors.append("fragment \(group.name) selects no atom")
        }
        let loose = (0..<structure.count).filter { taken[$0] < 0 }
        if !loose.isEmpty {
            warnings.append("\(loose.count) atom(s) belong to no fragment (add a group with 'rest: true')")
        }
        return (result, errors, warnings)
    }

    /// The atom pairs of a bond set on `structure`: explicit pairs, and every pair of the two
    /// elements within `within` Å (default 1.2 × the sum of covalent radii), minimum image.
    static func bonds(_ definition: BondDefinition, on structure: Structure) -> (pairs: [(Int, Int, Double)], errors: [String]) {
        var out: [(Int, Int, Double)] = []
        var errors: [String] = []
        for p in definition.pairs ?? [] {
            guard p[0] < structure.count, p[1] < structure.count, p[0] != p[1] else {
                errors.append("bond pair \(p[0])–\(p[1]) is not a pair of two of the \(structure.count) atoms")
                continue
            }
            out.append((p[0], p[1], structure.distance(p[0], p[1])))
        }
        if let e = definition.elements {
            let matches: (Int, Int) -> Bool = { i, j in
                let (a, b) = (structure.species[i], structure.species[j])
                return (a == e[0] && b == e[1]) || (a == e[1] && b == e[0])
            }
            if let within = definition.within {
                for n in structure.neighborList(cutoff: within) where n.i != n.j && matches(n.i, n.j) {
                    out.append((n.i, n.j, n.distance))
                }
            } else {
                for b in structure.bonds() where b.i != b.j && matches(b.i, b.j) {
                    out.append((b.i, b.j, b.length))
                }
            }
        }
        return (out, errors)
    }
}
