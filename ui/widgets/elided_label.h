// A one-line label that ends its text with "…" where the width cuts it, instead of clipping it
// mid-letter (a QLabel's behaviour): for names that must not set a row's minimum width, such as
// an opened image's file name beside its buttons. text() stays the whole text; put it, or the
// path behind it, in the tooltip too.
#pragma once

#include <QLabel>

namespace ddpm::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    using QLabel::QLabel;

    /// What is painted at the current width: text() elided at its right end.
    QString shownText() const;

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace ddpm::ui
