// libFuzzer target: the CHGCAR family through `Volumetric.read(path:)`, then the spin split and the
// writer on what was read.
import Chemistry
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVolumetric(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "CHGCAR")
    do {
        let volumetric = try Volumetric.read(path: path)
        _ = FuzzInput.render(volumetric.warnings)
        _ = volumetric.roles
        _ = volumetric.spinDensities
        _ = volumetric.bytes()
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
