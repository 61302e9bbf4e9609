// The reverse chain of a 2-D model as particles: the batch's x_t as a scatter over the data
// (faint, when known), optionally the predicted x_0 of every particle, and the predicted noise
// as a vector field: an arrow -eps * kArrowScale from each particle (the way denoising moves
// it). The selected particle is drawn larger, in orange. The view keeps one range for the
// whole chain, so the particles are seen to flow onto the data.
#pragma once

#include <QVector>
#include <QWidget>

#include <vector>

#include "jobs/sampling_job.h"

class QCPItemLine;
class QCheckBox;
class QCustomPlot;
class QLabel;

namespace ddpm::ui {

class ParticleView : public QWidget {
    Q_OBJECT
public:
    /// Arrows are drawn for at most this many particles (evenly chosen).
    static constexpr int kMaxArrows = 160;
    /// An arrow is -eps times this (in the data's units, about one standard deviation).
    static constexpr double kArrowScale = 0.25;

    explicit ParticleView(QWidget* parent = nullptr);

    /// A new chain: its data (may be empty) and what it is; the range spans the data and x_T.
    void setChain(const ChainInfo& info);
    /// Shows a frame (points [N, D], the first two coordinates drawn); selected is framed.
    void showFrame(const ChainFrame& frame, int selected);

    bool showsX0() const;
    void setShowX0(bool on);
    bool showsNoise() const;
    void setShowNoise(bool on);

    QCustomPlot* plot() const { return m_plot; }
    /// Particles drawn now, and arrows drawn now.
    int particleCount() const;
    int arrowCount() const;

private:
    void fitRange(const ChainFrame& frame);
    void equalScale();
    void redraw();

    ChainInfo m_info;
    ChainFrame m_frame;
    int m_selected = 0;
    bool m_rangeSet = false;
    double m_extent = 3.0;  ///< half the side of the square the chain is seen in
    QCustomPlot* m_plot = nullptr;
    std::vector<QCPItemLine*> m_arrows;
    QCheckBox* m_showX0 = nullptr;
    QCheckBox* m_showNoise = nullptr;
    QLabel* m_caption = nullptr;
};

} // namespace ddpm::ui
