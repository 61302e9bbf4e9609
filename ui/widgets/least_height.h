// A vertical box layout whose height for a width is the least it can take there. A layout
// that holds a word-wrapped label has a height for width, and Qt's vertical box layouts hold
// a widget with such a layout at exactly that height, which for a QBoxLayout is what its
// items' size hints add up to: pictures and plots that could shrink are held at their
// preferred sizes, and the page around them scrolls (QWidgetItem asks the layout, not the
// widget, so a widget cannot override it). LeastHeightLayout answers with its least height at
// the width (QBoxLayout::minimumHeightForWidth: the wrapped text whole, everything else at
// its minimum); its widget takes any room beyond that by its size policy and stretch.
#pragma once

#include <QVBoxLayout>

namespace ddpm::ui {

class LeastHeightLayout : public QVBoxLayout {
    Q_OBJECT
public:
    explicit LeastHeightLayout(QWidget* parent = nullptr);

    int heightForWidth(int width) const override;

private:
    mutable bool m_measuring = false; // QBoxLayout::minimumHeightForWidth calls heightForWidth
};

} // namespace ddpm::ui
