import Foundation
import Testing

@testable import VASP

/// A file that imports Foundation and touches the libxml2-backed parser must compile: Debian's libxml2
/// headers bring in the system ICU, whose `UErrorCode` clashes with Foundation's own ICU, unless
/// `Sources/CLibXML2/shim.h` leaves libxml2's ICU part out (it does). Without that, this file — and, at
/// random, any module importing both — fails to build.
@Suite struct FoundationInteropTests {
    @Test func foundationAndTheParserShareACompileJob() {
        let role: VasprunParser.ArrayRole? = nil
        #expect(role == nil)
        #expect(URL(fileURLWithPath: "/tmp/vasprun.xml").lastPathComponent == "vasprun.xml")
    }
}
