// The Qt virtual keyboard (pinyin) embedded in the kiosk window through a QQuickWidget.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    width: 1280
    height: panel.height
    InputPanel {
        id: panel
        objectName: "inputPanel"
        width: root.width
        anchors.bottom: parent.bottom
    }
    Component.onCompleted: {
        VirtualKeyboardSettings.locale = "zh_CN"
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
    }
    // For tests and the demo tour: type latin letters as key clicks, take the first candidate.
    function typeAndPick(txt) {
        var ie = InputContext.inputEngine
        for (var i = 0; i < txt.length; ++i)
            ie.virtualKeyClick(Qt.Key_A + (txt.charCodeAt(i) - 97), txt[i], 0)
        var m = ie.wordCandidateListModel
        var first = m.count > 0 ? m.dataAt(0, 0) : ""
        if (m.count > 0)
            m.selectItem(0)
        return first
    }
    // For tests: type letters without picking, pick one candidate; both return the candidates, one a line.
    function typeLetters(txt) {
        var ie = InputContext.inputEngine
        for (var i = 0; i < txt.length; ++i)
            ie.virtualKeyClick(Qt.Key_A + (txt.charCodeAt(i) - 97), txt[i], 0)
        return candidates()
    }
    // For tests: press keys as a finger would (letters, digits, '-'); returns the candidates offered.
    function typeKeys(txt) {
        var ie = InputContext.inputEngine
        for (var i = 0; i < txt.length; ++i) {
            var c = txt[i]
            var code = c === "-" ? Qt.Key_Minus
                     : (c >= "0" && c <= "9") ? Qt.Key_0 + (txt.charCodeAt(i) - 48)
                     : Qt.Key_A + (c.toLowerCase().charCodeAt(0) - 97)
            ie.virtualKeyClick(code, c, 0)
        }
        return candidates()
    }
    function pickCandidate(index) {
        InputContext.inputEngine.wordCandidateListModel.selectItem(index)
        return candidates()
    }
    function candidates() {
        var m = InputContext.inputEngine.wordCandidateListModel
        var out = []
        for (var i = 0; i < Math.min(m.count, 30); ++i)
            out.push(m.dataAt(i, 0))
        return out.join("\n")
    }
    function panelActive() { return panel.active }
    function locale() { return InputContext.locale }
}
