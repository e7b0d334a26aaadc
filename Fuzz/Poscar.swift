// libFuzzer target: POSCAR/CONTCAR through `Poscar.read(path:)`, then the writer on what was read.
import Chemistry
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPoscar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "POSCAR")
    do {
        let poscar = try Poscar.read(path: path)
        _ = FuzzInput.render(poscar.warnings)
        _ = poscar.structure.formula
        _ = poscar.text()
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
