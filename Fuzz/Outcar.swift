// libFuzzer target: OUTCAR through `Outcar.read(path:)` (streaming, gzip detected from the bytes),
// then what the NEB, adsorption and Bader loaders derive from it.
import Chemistry
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOutcar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "OUTCAR")
    do {
        let outcar = try Outcar.read(path: path)
        var sink = FuzzInput.render(outcar.warnings)
        sink &+= outcar.ionicSteps.count
        _ = outcar.finalEnergy
        _ = outcar.totalMagnetization
        _ = outcar.species
        _ = outcar.valencePerAtom
        _ = outcar.valenceByElement
        _ = outcar.netCharge
        _ = outcar.structure()?.formula
        for step in outcar.ionicSteps { _ = step.maxForce }
        _ = outcar.charge?.column("tot")
        _ = sink
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
