// Two small charts over a reverse chain, t from T (left) to 0 (right): how much the
// predicted x_0 changes per step (RMS of x0(k) - x0(k+1)) and the std of x_t's values, for
// the whole batch (grey) and, for images, the selected sample (blue); a vertical line marks
// the t the scrubber shows. Fed ChainSteps as they arrive; replots queued.
#pragma once

#include <QVector>
#include <QWidget>

#include "jobs/sampling_job.h"

class QCPItemStraightLine;
class QCustomPlot;

namespace ddpm::ui {

class ChainPlots : public QWidget {
    Q_OBJECT
public:
    explicit ChainPlots(QWidget* parent = nullptr);

    /// Forgets the curves; t runs over originalSteps..0; perItem: draw the selected item's curves.
    void clear(int originalSteps, bool perItem);
    void append(const QVector<ChainStep>& steps);
    /// Whose curves are drawn in blue.
    void setSelectedItem(int item);
    /// Where the cursor line stands (t; 0 for the final sample).
    void setCursorT(int t);

    QCustomPlot* changePlot() const { return m_change; }
    QCustomPlot* stdPlot() const { return m_std; }
    /// Points on the batch curves (x_0 change, x_t std).
    int pointCount() const;

private:
    QCustomPlot* makePlot(const QString& title, const QString& yLabel);
    void rebuildSelected();
    void rescale();

    QVector<ChainStep> m_steps;
    int m_selected = 0;
    bool m_perItem = true;
    QCustomPlot* m_change = nullptr;
    QCustomPlot* m_std = nullptr;
    QCPItemStraightLine* m_changeCursor = nullptr;
    QCPItemStraightLine* m_stdCursor = nullptr;
};

} // namespace ddpm::ui
