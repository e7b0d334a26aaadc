// libFuzzer target: vasprun.xml through `Vasprun.read(path:)`, the entry point of `cascade parse`,
// then everything `cascade parse` derives from the result (convergence, band edges, structures).
import Analysis
import Chemistry
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVasprun(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "vasprun.xml")
    do {
        let run = try Vasprun.read(path: path)
        var sink = FuzzInput.render(run.warnings)
        sink &+= run.ionicSteps.count
        _ = run.finalEnergy
        _ = run.convergedElectronic
        _ = run.convergedIonic
        _ = run.netCharge
        _ = run.finalStructure?.formula
        _ = run.initialStructure?.formula
        for (_, value) in run.parameters.entries { sink &+= value.description.utf8.count }
        for (_, value) in run.incar.entries { sink &+= value.description.utf8.count }
        if let eigen = run.eigenvalues { _ = bandEdges(eigen) }
        if let steps = run.ionicSteps.last { sink &+= steps.scfStepCount }
        _ = sink
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
