// A plot title that wraps. QCustomPlot's QCPTextElement asks its layout for the width of its
// text on one line, so a long title over a narrow plot (a grid of plots, in presentation
// mode's larger font) widens the whole plot and with it the window. WrappingTitle asks only
// for its widest word and breaks its text into lines at the width the layout gives it.
#pragma once

#include <QFont>
#include <QString>

#include "widgets/plot.h"

namespace ddpm::ui {

class WrappingTitle : public QCPTextElement {
public:
    WrappingTitle(QCustomPlot* plot, const QString& text, const QFont& font);

protected:
    /// Width: the widest word; height: the text wrapped at the width last laid out (one line
    /// before the first layout).
    QSize minimumOuterSizeHint() const override;
    QSize maximumOuterSizeHint() const override;
    /// After the layout: when the width it gave needs another number of lines, a queued replot
    /// lays the plot out again with the new height (one more pass; widths do not depend on it).
    void update(UpdatePhase phase) override;

private:
    /// Height of the text wrapped at `width` pixels (margins not included).
    int wrappedHeight(int width) const;
    int layoutWidth() const;

    mutable int m_hintHeight = -1; ///< the text height the last size hint gave
};

} // namespace ddpm::ui
