// A picture of examples or samples: an image grid, or a scatter of 2-D points drawn over a
// faint cloud of the data (QCustomPlot), with a caption.
#pragma once

#include <QImage>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QLabel;
class QStackedWidget;

namespace ddpm::ui {

class ImageView;

class SamplePreview : public QWidget {
    Q_OBJECT
public:
    explicit SamplePreview(const QString& title, QWidget* parent = nullptr);

    void setImage(const QImage& image, const QString& caption);
    /// Points (x[i], y[i]) over the data's (dataX, dataY), which may be empty; the view spans the data.
    void setPoints(const std::vector<double>& dataX, const std::vector<double>& dataY, const std::vector<double>& x,
                   const std::vector<double>& y, const QString& caption);
    /// Shows text in place of a picture (and forgets the picture).
    void setPlaceholder(const QString& text);
    void setCaption(const QString& caption);
    QString caption() const;
    /// The text shown in place of a picture; empty while a picture is shown.
    QString placeholder() const;

    bool hasImage() const;
    /// Points shown over the data (0 for an image or a placeholder).
    int pointCount() const;
    QCustomPlot* scatterPlot() const { return m_plot; }

private:
    QLabel* m_title = nullptr;
    QStackedWidget* m_stack = nullptr;
    ImageView* m_image = nullptr;
    QCustomPlot* m_plot = nullptr;
    QLabel* m_caption = nullptr;
};

} // namespace ddpm::ui
