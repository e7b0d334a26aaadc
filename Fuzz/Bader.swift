// libFuzzer target: the Bader tables ACF.dat, BCF.dat and AVF.dat (each reader gets every input),
// then what `cascade bader` derives from them.
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "ACF.dat")
    var atoms = 0
    do {
        let acf = try BaderACF.read(path: path)
        _ = FuzzInput.render(acf.warnings)
        _ = acf.totalElectrons
        _ = acf.totalVolume
        _ = acf.footer.totalElectrons
        atoms = acf.atoms.count
    } catch {
        FuzzInput.check(error, path: path)
    }
    do {
        let bcf = try BaderBCF.read(path: path)
        _ = FuzzInput.render(bcf.warnings)
        _ = bcf.totalElectrons
        _ = bcf.electronsPerAtom(atomCount: atoms)
    } catch {
        FuzzInput.check(error, path: path)
    }
    do {
        let avf = try BaderAVF.read(path: path)
        _ = avf.volumes(ofAtom: 1)
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
