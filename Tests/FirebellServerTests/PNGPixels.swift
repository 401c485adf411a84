import FirebellTestSupport
import Foundation

/// The width of a PNG screenshot and how many of its pixels have given colours, decoded by Python's standard library
/// (zlib is not a Swift module here): enough to check that a chart was painted, not just written into the DOM.
struct PNGPixels {
    let width: Int
    let counts: [String: Int]

    /// Decodes `png` and counts the pixels of each colour in `colors` (exact RGB).
    static func read(_ png: Data, colors: [(UInt8, UInt8, UInt8)]) async throws -> PNGPixels? {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("shot.png")
        try png.write(to: file)
        let wanted = colors.map { "\($0.0),\($0.1),\($0.2)" }
        let (status, output) = await ChildProcess.output(
            URL(fileURLWithPath: "/usr/bin/python3"),
            arguments: ["-c", script, file.path] + wanted,
            environment: ["PATH": "/usr/bin:/bin"],
            limit: 60
        )
        guard status == 0 else { return nil }
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let first = lines.first, let width = Int(first) else { return nil }
        var counts: [String: Int] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            if parts.count == 2, let count = Int(parts[1]) { counts[String(parts[0])] = count }
        }
        return PNGPixels(width: width, counts: counts)
    }

    func count(of color: (UInt8, UInt8, UInt8)) -> Int { counts["\(color.0),\(color.1),\(color.2)"] ?? 0 }

    /// Reads 8-bit RGB or RGBA PNGs (what Chromium writes): inflates the IDAT stream and undoes the row filters.
    private static let script = """
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            chunk = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, ctype = struct.unpack('>IIBB', chunk[:10])
            elif kind == b'IDAT':
                idat += chunk
            pos += 12 + length
        assert depth == 8 and ctype in (2, 6)
        bpp = 4 if ctype == 6 else 3
        raw = zlib.decompress(idat)
        stride = width * bpp
        wanted = {tuple(int(v) for v in arg.split(',')): 0 for arg in sys.argv[2:]}
        previous = bytearray(stride)
        for y in range(height):
            start = y * (stride + 1)
            kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                if kind == 1: row[i] = (row[i] + a) & 255
                elif kind == 2: row[i] = (row[i] + b) & 255
                elif kind == 3: row[i] = (row[i] + (a + b) // 2) & 255
                elif kind == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, bpp):
                pixel = (row[x], row[x + 1], row[x + 2])
                if pixel in wanted: wanted[pixel] += 1
            previous = row
        print(width)
        for (r, g, b), n in wanted.items(): print('%d,%d,%d %d' % (r, g, b, n))
        """
}
