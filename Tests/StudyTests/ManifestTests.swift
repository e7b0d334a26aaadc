import Foundation
import Study
import Testing

@Suite struct ManifestTests {
    static let minimal = """
        study: demo
        structures: ../structures
        index: structures.yaml
        systems:
          - {name: tfsi, file: molecules/tfsi.vasp}
          - name: li
            file: molecules/li.vasp
            charge: 1
            multiplicity: 1
            fixed: [0]
            magmom: {Li: 0.5}
        calculations:
          - name: relax/{system}
            set: relax
            systems: [tfsi, li]
            incar: {NSW: 500, EDIFFG: null, MAGMOM: [1, 2]}
          - name: static/{system}
            set: static
            systems: [tfsi]
            from: relax/{system}
          - {name: neb/x, set: neb, initial: relax/tfsi, final: relax/li, images: 3, interpolation: linear}
        """

    @Test func decodesAndExpandsCalculations() throws {
        let m = try StudyManifest.parse(text: Self.minimal, file: "studies/demo.yaml")
        #expect(m.study == "demo")
        #expect(m.structuresFolder == "structures")
        #expect(m.indexFile == "structures/structures.yaml")
        #expect(m.inputSetsFolder == "studies")
        #expect(m.systems.map(\.name) == ["tfsi", "li"])
        #expect(m.systems[1].charge == 1 && m.systems[1].multiplicity == 1 && m.systems[1].fixed == [0])
        #expect(m.systems[1].magmom == ["Li": 0.5])
        #expect(m.systems[0].charge == nil)
        #expect(m.systems[0].kind == .molecule)
        #expect(m.calculations.map(\.name) == ["relax/tfsi", "relax/li", "static/tfsi", "neb/x"])
        #expect(m.calculation(named: "static/tfsi")?.from == "relax/tfsi")
        #expect(m.calculation(named: "static/tfsi")?.dependencies == ["relax/tfsi"])
        let neb = try #require(m.calculation(named: "neb/x"))
        #expect(neb.neb?.initial == "relax/tfsi" && neb.neb?.final == "relax/li")
        #expect(neb.neb?.images == 3 && neb.neb?.interpolation == .linear)
        #expect(neb.system == nil)
        #expect(neb.dependencies == ["relax/tfsi", "relax/li"])
        // Locations point at each entry: the second system starts on line 6, column 5.
        #expect(m.systems[1].location == ManifestLocation(file: "studies/demo.yaml", line: 6, column: 5))
    }

    @Test func unknownKeysAreRejectedWithLineAndColumn() {
        let text = Self.minimal.replacingOccurrences(of: "    set: static", with: "    sett: static")
        do {
            _ = try StudyManifest.parse(text: text, file: "demo.yaml")
            Issue.record("expected an error")
        } catch let StudyError.invalid(location, message) {
            #expect(location.file == "demo.yaml")
            #expect(location.line == 18)
            #expect(message.contains("calculations[1].sett"))
            #expect(message.contains("unknown key 'sett' in a calculation"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func typeErrorsNameThePathAndPosition() {
        let text = Self.minimal.replacingOccurrences(of: "    charge: 1", with: "    charge: plus one")
        #expect {
            try StudyManifest.parse(text: text, file: "demo.yaml")
        } throws: { error in
            guard case StudyError.invalid(let location, let message) = error else { return false }
            return location.line == 8 && location.column == 13 && message == "systems[1].charge: expected an integer"
        }
    }

    @Test func yamlSyntaxErrorsCarryYamsMark() {
        let text = "study: demo\nsystems: [a, b\ncalculations: []\n"
        #expect {
            try StudyManifest.parse(text: text, file: "bad.yaml")
        } throws: { error in
            guard case StudyError.invalid(let location, let message) = error else { return false }
            return location.file == "bad.yaml" && location.line == 3 && message.hasPrefix("not valid YAML")
        }
    }

    @Test func missingKeysAndBrokenReferences() {
        let noSet = Self.minimal.replacingOccurrences(of: "    set: static\n", with: "")
        #expect(throws: StudyError.self) { try StudyManifest.parse(text: noSet, file: "m.yaml") }
        let badFrom = Self.minimal.replacingOccurrences(of: "from: relax/{system}", with: "from: relax/nothing")
        #expect {
            try StudyManifest.parse(text: badFrom, file: "m.yaml")
        } throws: { error in
            "\(error)".contains("refers to calculation 'relax/nothing', which is not defined") && "\(error)".hasPrefix("m.yaml:17:5")
        }
        let badSystem = Self.minimal.replacingOccurrences(of: "systems: [tfsi]", with: "systems: [tfsx]")
        #expect { try StudyManifest.parse(text: badSystem, file: "m.yaml") } throws: { "\($0)".contains("names system 'tfsx'") }
        let twice = Self.minimal + "\n  - {name: relax/li, set: relax, system: li}\n"
        #expect { try StudyManifest.parse(text: twice, file: "m.yaml") } throws: { "\($0)".contains("'relax/li' is defined twice") }
    }

    @Test func folderNamesMustStayInsideTheOutputFolder() {
        for bad in ["../escape", "/absolute/path", "a/../../b", "a//b", "./a", "name with space"] {
            let text = Self.minimal.replacingOccurrences(of: "name: neb/x", with: "name: \"\(bad)\"")
            #expect(throws: StudyError.self, "\(bad)") { try StudyManifest.parse(text: text, file: "m.yaml") }
        }
        let several = Self.minimal.replacingOccurrences(of: "name: relax/{system}", with: "name: relax")
        #expect { try StudyManifest.parse(text: several, file: "m.yaml") } throws: { "\($0)".contains("must contain {system}") }
    }

    @Test func nebEntriesNeedBothEndPoints() {
        let text = Self.minimal.replacingOccurrences(of: ", final: relax/li", with: "")
        #expect { try StudyManifest.parse(text: text, file: "m.yaml") } throws: { "\($0)".contains("needs both 'initial' and 'final'") }
    }

    @Test func quantitiesDecode() throws {
        let text =
            Self.minimal + """

                quantities:
                  energies:
                    - {name: "E(Li-TFSI)", source: eq. 4, complex: relax/tfsi, parts: [relax/li, relax/li]}
                  pathways:
                    - {name: p, steps: [neb/x]}
                  bonds:
                    - {name: C–F, calculations: [relax/tfsi], elements: [C, F], within: 1.6}
                    - {name: pair, calculations: [relax/tfsi], pairs: [[0, 7]]}
                  fragments:
                    - name: f
                      calculations: [static/tfsi]
                      reference: relax/tfsi
                      groups:
                        - {name: A, atoms: "0-2, 5"}
                        - {name: B, contains: [S]}
                        - {name: C, rest: true}
                """
        let q = try StudyManifest.parse(text: text, file: "m.yaml").quantities
        #expect(q.energies.first?.parts == ["relax/li", "relax/li"])
        #expect(q.energies.first?.source == "eq. 4")
        #expect(q.pathways.first?.steps == ["neb/x"])
        #expect(q.bonds.map(\.within) == [1.6, nil])
        #expect(q.bonds[1].pairs == [[0, 7]])
        #expect(q.fragments.first?.groups.map(\.atoms) == [[0, 1, 2, 5], nil, nil])
        #expect(q.fragments.first?.groups[2].rest == true)
        let wrongRef = text.replacingOccurrences(of: "parts: [relax/li, relax/li]", with: "parts: [relax/none]")
        #expect { try StudyManifest.parse(text: wrongRef, file: "m.yaml") } throws: {
            "\($0)".contains("energy 'E(Li-TFSI)' refers to calculation 'relax/none'")
        }
    }

    @Test func structureIndexAcceptsAListOrAMapping() throws {
        let list = """
            - {name: tfsi, file: molecules/tfsi.vasp, charge: -1, multiplicity: 1, fixed: [], xtb: "--gfn 2"}
            - name: mof
              file: catalysts/mof.vasp
              charge: 0
              multiplicity: 16
              fixed: [0, 1, 2]
              magmom: {Fe: 5}
            """
        let a = try StructureIndex.parse(text: list, file: "structures.yaml")
        #expect(a.entries.map(\.name) == ["tfsi", "mof"])
        #expect(a.entry(file: "./catalysts/mof.vasp")?.fixed == [0, 1, 2])
        #expect(a.entry(named: "mof")?.magmom == ["Fe": 5])
        #expect(a.entry(named: "tfsi")?.charge == -1)
        let mapping = "structures:\n" + list.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        #expect(try StructureIndex.parse(text: mapping, file: "s.yaml").entries.count == 2)
        #expect { try StructureIndex.parse(text: "- {name: x}\n", file: "s.yaml") } throws: { "\($0)".contains("missing key 'file'") }
    }
}

/// `quantities: density_differences:` (seed Fig. 2c): decoded as strictly as the other kinds.
@Suite struct DensityDifferenceManifestTests {
    static let base =
        ManifestTests.minimal + """

            quantities:
              density_differences:
                - {name: Δρ, source: Fig. 2c, complex: static/tfsi, parts: [relax/tfsi, relax/li], write: true}
                - name: along a
                  complex: static/tfsi
                  parts: [relax/li]
                  axis: x
            """

    @Test func decodesWithDefaults() throws {
        let q = try StudyManifest.parse(text: Self.base, file: "m.yaml").quantities
        #expect(q.densityDifferences.count == 2)
        let d = q.densityDifferences[0]
        #expect(d.name == "Δρ" && d.source == "Fig. 2c" && d.complex == "static/tfsi" && d.parts == ["relax/tfsi", "relax/li"])
        #expect(d.axis == 2 && d.write)
        #expect(d.location.line == 24 && d.location.column == 7)
        #expect(q.densityDifferences[1].axis == 0 && !q.densityDifferences[1].write && q.densityDifferences[1].source == nil)
    }

    @Test func unknownKeysAndBadValuesNameTheirPosition() {
        let unknown = Self.base.replacingOccurrences(of: "write: true}", with: "writ: true}")
        #expect { try StudyManifest.parse(text: unknown, file: "m.yaml") } throws: { error in
            "\(error)".hasPrefix("m.yaml:24:94:") && "\(error)".contains("unknown key 'writ' in a density difference")
        }
        let axis = Self.base.replacingOccurrences(of: "axis: x", with: "axis: w")
        #expect { try StudyManifest.parse(text: axis, file: "m.yaml") } throws: { error in
            "\(error)".hasPrefix("m.yaml:28:13:") && "\(error)".contains("expected an axis x, y or z (a, b, c), found 'w'")
        }
        let empty = Self.base.replacingOccurrences(of: "parts: [relax/li]", with: "parts: []")
        #expect { try StudyManifest.parse(text: empty, file: "m.yaml") } throws: { "\($0)".contains("expected at least one calculation") }
        let itself = Self.base.replacingOccurrences(of: "parts: [relax/li]", with: "parts: [static/tfsi]")
        #expect { try StudyManifest.parse(text: itself, file: "m.yaml") } throws: { "\($0)".contains("expected distinct calculations") }
        let noComplex = Self.base.replacingOccurrences(of: "complex: static/tfsi, ", with: "")
        #expect(throws: StudyError.self) { try StudyManifest.parse(text: noComplex, file: "m.yaml") }
        let otherKind = Self.base.replacingOccurrences(of: "density_differences:", with: "density_difference:")
        #expect { try StudyManifest.parse(text: otherKind, file: "m.yaml") } throws: { "\($0)".contains("unknown key 'density_difference' in quantities") }
    }

    @Test func referencesMustNameCalculations() {
        let wrong = Self.base.replacingOccurrences(of: "parts: [relax/tfsi, relax/li]", with: "parts: [relax/tfsi, static/mof]")
        #expect { try StudyManifest.parse(text: wrong, file: "m.yaml") } throws: { error in
            "\(error)".hasPrefix("m.yaml:24:7:") && "\(error)".contains("density difference 'Δρ' refers to calculation 'static/mof', which is not defined")
        }
    }
}
