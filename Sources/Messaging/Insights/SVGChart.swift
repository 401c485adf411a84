import Foundation

/// Small inline SVG charts for the insights page: no JavaScript, no fonts to load, readable on a phone (they scale
/// to the width), and accessible: each is an image with a title and a description that says the figures in words,
/// and each bar carries its own tooltip.
struct SVGChart {
    /// One named series of values, one per label.
    struct Series {
        var name: String
        var color: String
        var values: [Double]
    }

    let id: String
    let title: String
    /// The text alternative: the chart's figures in words.
    let summary: String

    // Drawn at 640 wide with 18 px text: one to one on a desktop (the page caps charts at 40rem), and still about
    // 10 px on a phone, where the chart scales down to the screen.
    private static let width = 640.0
    private static let height = 240.0
    private static let left = 64.0
    private static let right = 8.0
    private static let top = 14.0
    private static let bottom = 40.0
    private static let fontSize = 18

    /// Vertical bars, one group per label: the series stacked (counts by severity) or side by side.
    func bars(labels: [String], series: [Series], stacked: Bool, format: (Double) -> String = SVGChart.count) -> String {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let totals = labels.indices.map { index in
            stacked ? series.reduce(0) { $0 + $1.values[index] } : series.map { $0.values[index] }.max() ?? 0
        }
        let scale = Self.niceMaximum(totals.max() ?? 0)
        let slot = plotWidth / Double(max(labels.count, 1))
        let barWidth = stacked ? slot * 0.7 : slot * 0.8 / Double(max(series.count, 1))
        var body = axis(scale: scale, format: format)
        let labelStep = max(1, Int((Double(labels.count) / 8).rounded(.up)))
        for (index, label) in labels.enumerated() {
            let slotStart = Self.left + slot * Double(index)
            var base = Self.top + plotHeight
            for (position, line) in series.enumerated() where line.values[index] > 0 {
                let value = line.values[index]
                let barHeight = plotHeight * value / scale
                let x = stacked ? slotStart + slot * 0.15 : slotStart + slot * 0.1 + barWidth * Double(position)
                let y = stacked ? base - barHeight : Self.top + plotHeight - barHeight
                body += rect(x: x, y: y, width: barWidth, height: barHeight, color: line.color, tip: "\(label): \(format(value)) \(line.name)")
                if stacked { base -= barHeight }
            }
            if index % labelStep == 0 {
                body += text(label, x: slotStart + slot / 2, y: Self.height - Self.bottom + 22, anchor: "middle")
            }
        }
        return svg(body)
    }

    /// Horizontal bars, one row per label with its series stacked (pages, of which at night).
    func rows(labels: [String], series: [Series], format: (Double) -> String = SVGChart.count) -> String {
        let rowHeight = 32.0
        let labelWidth = 170.0
        let height = Self.top + rowHeight * Double(max(labels.count, 1)) + 8
        let plotWidth = Self.width - labelWidth - Self.right - 48
        let scale = Self.niceMaximum(labels.indices.map { index in series.reduce(0) { $0 + $1.values[index] } }.max() ?? 0)
        var body = ""
        for (index, label) in labels.enumerated() {
            let y = Self.top + rowHeight * Double(index)
            body += text(label, x: labelWidth - 6, y: y + rowHeight * 0.62, anchor: "end")
            var x = labelWidth
            var total = 0.0
            for line in series where line.values[index] > 0 {
                let value = line.values[index]
                let barWidth = plotWidth * value / scale
                body += rect(
                    x: x,
                    y: y + 4,
                    width: barWidth,
                    height: rowHeight - 8,
                    color: line.color,
                    tip: "\(label): \(format(value)) \(line.name)"
                )
                x += barWidth
                total += value
            }
            body += text(format(total), x: x + 4, y: y + rowHeight * 0.62, anchor: "start")
        }
        return svg(body, height: height)
    }

    private func axis(scale: Double, format: (Double) -> String) -> String {
        let plotHeight = Self.height - Self.top - Self.bottom
        var lines = ""
        for fraction in [0.0, 0.5, 1.0] {
            let y = Self.top + plotHeight * (1 - fraction)
            lines += "<line x1=\"\(Self.left)\" y1=\"\(y)\" x2=\"\(Self.width - Self.right)\" y2=\"\(y)\" stroke=\"#d0d5dd\" stroke-width=\"1\"/>"
            lines += text(format(scale * fraction), x: Self.left - 6, y: y + 6, anchor: "end")
        }
        return lines
    }

    private func svg(_ body: String, height: Double = SVGChart.height) -> String {
        """
        <svg class="chart" id="\(id)" role="img" aria-labelledby="\(id)-title \(id)-desc" viewBox="0 0 \(Int(Self.width)) \(Int(height))" \
        xmlns="http://www.w3.org/2000/svg"><title id="\(id)-title">\(Self.escape(title))</title><desc id="\(id)-desc">\(Self.escape(summary))</desc>\
        \(body)</svg>
        """
    }

    private func rect(x: Double, y: Double, width: Double, height: Double, color: String, tip: String) -> String {
        "<rect x=\"\(Self.rounded(x))\" y=\"\(Self.rounded(y))\" width=\"\(Self.rounded(width))\" height=\"\(Self.rounded(height))\" "
            + "fill=\"\(color)\"><title>\(Self.escape(tip))</title></rect>"
    }

    private func text(_ value: String, x: Double, y: Double, anchor: String) -> String {
        "<text x=\"\(Self.rounded(x))\" y=\"\(Self.rounded(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.fontSize)\" fill=\"#475467\">\(Self.escape(value))</text>"
    }

    /// A round top for the axis: 1, 2 or 5 times a power of ten, at least 1.
    static func niceMaximum(_ value: Double) -> Double {
        guard value > 1 else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    static func count(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value) }

    private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { EntityEscaper.escape(text, quotes: true) }
}
